#include "ui/texture_cache.h"

#include <gtest/gtest.h>

#include <set>

namespace gloss::ui {
namespace {

class FakeUploader : public TextureUploader {
 public:
  Texture upload(const Image& image) override {
    live.insert(next);
    ++uploads;
    return {next++, image.width, image.height};
  }
  void release(const Texture& texture) override { live.erase(texture.id); }
  std::set<std::uint32_t> live;
  std::uint32_t next = 1;
  int uploads = 0;
};

// What one 32x32 texture counts (RGBA with mipmaps).
const std::size_t kTex32 = Texture{0, 32, 32}.bytes();

std::shared_ptr<const Image> pixels(int w, int h) {
  auto image = std::make_shared<Image>();
  image->width = w;
  image->height = h;
  image->rgb.assign(static_cast<std::size_t>(w) * h * 3, 0);
  return image;
}

TEST(TextureCache, StaysWithinItsByteBoundEvictingLeastRecentlyUsed) {
  FakeUploader gpu;
  TextureCache cache(gpu, 3 * kTex32, 1 << 30);  // three 32x32 RGBA textures
  for (std::uint64_t k = 1; k <= 3; ++k) cache.offer(k, pixels(32, 32));
  cache.upload_pending();
  EXPECT_EQ(cache.size(), 3u);
  ASSERT_TRUE(cache.find(1));  // 1 becomes most recent; 2 is now the oldest
  cache.offer(4, pixels(32, 32));
  cache.upload_pending();
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_LE(cache.bytes(), 3u * kTex32);
  EXPECT_FALSE(cache.find(2));
  EXPECT_TRUE(cache.find(1));
  EXPECT_TRUE(cache.find(4));
  EXPECT_EQ(gpu.live.size(), 3u);  // the evicted texture was released
  for (std::uint64_t k = 10; k < 50; ++k) {
    cache.offer(k, pixels(32, 32));
    cache.upload_pending();
    EXPECT_LE(cache.bytes(), 3u * kTex32);
  }
  cache.clear();
  EXPECT_TRUE(gpu.live.empty());
}

// Issue 13: one 48 MP photo filled the cache, and prefetching the next one
// evicted the image on screen, which then never appeared.
TEST(TextureCache, ThePinnedTextureIsNeverEvictedByPrefetching) {
  FakeUploader gpu;
  TextureCache cache(gpu, 2 * kTex32, 1 << 30);  // room for two
  cache.offer(1, pixels(32, 32), true);
  cache.upload_pending();
  cache.pin(1);  // on screen
  for (std::uint64_t k = 2; k <= 6; ++k) {
    cache.offer(k, pixels(32, 32));  // prefetched neighbours, each newer than the open image
    cache.upload_pending();
    EXPECT_TRUE(cache.has_or_pending(1)) << "prefetch " << k << " evicted the image on screen";
    EXPECT_LE(cache.size(), 2u);
  }
  ASSERT_TRUE(cache.find(1));
  EXPECT_TRUE(cache.find(6));
  cache.pin(6);  // the annotator moved on: 1 may go now
  cache.offer(7, pixels(32, 32));
  cache.upload_pending();
  EXPECT_FALSE(cache.find(1));
  EXPECT_TRUE(cache.find(6));
}

TEST(TextureCache, StaysWithinItsCountBound) {
  FakeUploader gpu;
  TextureCache cache(gpu, 1 << 30, 1 << 30, 4);  // bytes are no limit here
  for (std::uint64_t k = 1; k <= 50; ++k) {
    cache.offer(k, pixels(4, 4));
    cache.upload_pending();
    EXPECT_LE(cache.size(), 4u);
  }
  EXPECT_EQ(gpu.live.size(), 4u);
  EXPECT_TRUE(cache.find(50));
  EXPECT_FALSE(cache.find(46));
  EXPECT_EQ(Texture({0, 30, 30}).bytes(), 30u * 30 * 4 * 4 / 3);  // mipmaps count
}

TEST(TextureCache, SpreadsUploadsOverFramesWithTheOpenImageFirst) {
  FakeUploader gpu;
  TextureCache cache(gpu, 1 << 30, 2 * kTex32);
  for (std::uint64_t k = 1; k <= 5; ++k) cache.offer(k, pixels(32, 32));
  cache.offer(9, pixels(32, 32), /*urgent=*/true);
  cache.upload_pending();
  EXPECT_EQ(gpu.uploads, 2);
  EXPECT_TRUE(cache.find(9));
  EXPECT_TRUE(cache.has_or_pending(5));
  EXPECT_FALSE(cache.find(5));
  cache.upload_pending();
  cache.upload_pending();
  EXPECT_EQ(gpu.uploads, 6);
  EXPECT_EQ(cache.pending(), 0u);
  // An image larger than the whole budget still goes up, alone, in one frame.
  cache.offer(20, pixels(256, 256));
  cache.offer(21, pixels(8, 8));
  cache.upload_pending();
  EXPECT_TRUE(cache.find(20));
  EXPECT_FALSE(cache.find(21));
}

TEST(TextureCache, KeepsTheNewestEvenIfItAloneExceedsTheBound) {
  FakeUploader gpu;
  TextureCache cache(gpu, 1000, 1 << 30);
  cache.offer(1, pixels(8, 8));
  cache.upload_pending();
  cache.offer(2, pixels(64, 64));
  cache.upload_pending();
  EXPECT_TRUE(cache.find(2));
  EXPECT_FALSE(cache.find(1));
  EXPECT_EQ(cache.size(), 1u);
}

}  // namespace
}  // namespace gloss::ui
