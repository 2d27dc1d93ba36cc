// Helpers for the model tests: scratch directories, synthetic images, tiny
// models, file byte helpers. No torch here.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/image.h"
#include "model/native_model.h"
#include "model/trainer.h"
#include "model/vocab.h"

namespace gloss::test {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed at destruction.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("gloss-model-" + name + "-" + (info ? std::string(info->name()) : "x") + "-" +
             std::to_string(std::random_device{}()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

inline Image solid_image(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  Image img{w, h, {}};
  img.rgb.resize(static_cast<std::size_t>(w) * h * 3);
  for (std::size_t i = 0; i < img.rgb.size(); i += 3) {
    img.rgb[i] = r;
    img.rgb[i + 1] = g;
    img.rgb[i + 2] = b;
  }
  return img;
}

// Left half one colour, right half another.
inline Image split_image(int w, int h, const std::array<std::uint8_t, 3>& left,
                         const std::array<std::uint8_t, 3>& right) {
  Image img = solid_image(w, h, 0, 0, 0);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c)
        img.rgb[(static_cast<std::size_t>(y) * w + x) * 3 + c] = x < w / 2 ? left[c] : right[c];
  return img;
}

inline Image noise_image(int w, int h, std::uint32_t seed) {
  std::mt19937 rng(seed);
  Image img{w, h, {}};
  img.rgb.resize(static_cast<std::size_t>(w) * h * 3);
  for (auto& v : img.rgb) v = static_cast<std::uint8_t>(rng() & 0xff);
  return img;
}

inline std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<const Image*> pointers(const std::vector<Image>& images) {
  std::vector<const Image*> out;
  for (const auto& img : images) out.push_back(&img);
  return out;
}

// A small randomly initialised native model.
inline NativeModel tiny_model(std::uint64_t seed = 7, int image_size = 32) {
  NativeArch arch;
  arch.channels = {8, 16, 32};
  arch.embed = 16;
  arch.hidden = 32;
  Preprocess pre;
  pre.image_size = image_size;
  Vocab vocab = Vocab::build({"a red square", "a blue circle on the left", "green star", "big"});
  return NativeModel::create(arch, pre, vocab, seed);
}

// Expects fn() to throw UserError whose message contains every needle.
inline void expect_user_error(const std::function<void()>& fn,
                              const std::vector<std::string>& needles) {
  try {
    fn();
    ADD_FAILURE() << "no UserError thrown";
  } catch (const UserError& e) {
    const std::string message = e.what();
    for (const auto& needle : needles)
      EXPECT_NE(message.find(needle), std::string::npos)
          << "message \"" << message << "\" lacks \"" << needle << "\"";
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw a non-UserError: " << e.what();
  }
}

// Tiny-network training options for tests.
inline TrainOptions tiny_train_options(const fs::path& out) {
  TrainOptions o;
  o.out = out;
  o.channels = {8, 16, 32};
  o.embed = 32;
  o.hidden = 64;
  o.image_size = 32;
  o.threads = 1;  // tiny nets gain nothing from 2; spin-waiting hurts on busy CI
  o.val_fraction = 0;
  o.lr = 1e-2;
  o.batch = 8;
  return o;
}

}  // namespace gloss::test
