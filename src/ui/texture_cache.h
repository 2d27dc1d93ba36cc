// Decoded pixels -> GPU textures, on the UI thread only. Uploads are spread
// over frames (a byte budget per frame, the open image first) and the cache is
// an LRU bounded by bytes and by count (small images cost the driver more than
// their pixels). The uploader is an interface so the bounds can be
// tested without GL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <unordered_map>

#include "core/image.h"

namespace gloss::ui {

struct Texture {
  std::uint32_t id = 0;
  int width = 0;
  int height = 0;
  // The whole image's upright size: the texture may hold it reduced (decoded
  // at display size); zoom is measured against this.
  int source_width = 0;
  int source_height = 0;
  bool alpha = false;   // premultiplied alpha: draw over a background
  int frames = 1;       // the file has this many frames; the texture is the first
  // RGBA8 with its mipmap chain (a third more).
  std::size_t bytes() const { return static_cast<std::size_t>(width) * height * 16 / 3; }
};

class TextureUploader {
 public:
  virtual ~TextureUploader() = default;
  virtual Texture upload(const Image& image) = 0;
  virtual void release(const Texture& texture) = 0;
};

class TextureCache {
 public:
  TextureCache(TextureUploader& uploader, std::size_t max_bytes, std::size_t upload_bytes_per_frame,
               std::size_t max_entries = SIZE_MAX);
  ~TextureCache();
  TextureCache(const TextureCache&) = delete;
  TextureCache& operator=(const TextureCache&) = delete;

  // Queues pixels for upload; `urgent` ones (the open image) go first.
  void offer(std::uint64_t key, std::shared_ptr<const Image> pixels, bool urgent = false);
  // Once per frame: uploads queued pixels up to the byte budget (at least one).
  void upload_pending();
  // The texture, marked as just used; null if not uploaded (yet).
  const Texture* find(std::uint64_t key);
  // The texture on screen: never evicted, whatever is uploaded after it
  // (prefetched neighbours must not push out the image being looked at).
  void pin(std::uint64_t key) { pinned_ = key; }
  bool has_or_pending(std::uint64_t key) const;
  void clear();
  TextureUploader& uploader() const { return uploader_; }

  std::size_t bytes() const { return bytes_; }
  std::size_t size() const { return entries_.size(); }
  std::size_t pending() const { return queue_.size(); }

 private:
  struct Entry {
    Texture texture;
    std::list<std::uint64_t>::iterator lru;
  };
  void evict_to_bound();

  TextureUploader& uploader_;
  std::size_t max_bytes_;
  std::size_t max_entries_;
  std::size_t frame_budget_;
  std::size_t bytes_ = 0;
  std::unordered_map<std::uint64_t, Entry> entries_;
  std::list<std::uint64_t> lru_;  // front = most recently used
  std::optional<std::uint64_t> pinned_;
  std::deque<std::pair<std::uint64_t, std::shared_ptr<const Image>>> queue_;
};

}  // namespace gloss::ui
