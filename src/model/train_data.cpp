// The trainer's data set: parallel decode + resize, split, examples.
#include "model/train_data.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <thread>

#include "core/error.h"
#include "core/image.h"

namespace gloss {

std::uint64_t SplitMix::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t SplitMix::below(std::uint64_t n) {
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;  // reject the biased tail
  std::uint64_t x;
  do x = next();
  while (x >= limit);
  return x % n;
}

TrainData load_train_data(const std::vector<TrainingPair>& pairs, int image_size,
                          double val_fraction, std::uint64_t seed, int threads,
                          const std::function<void(const TrainProgress&)>& progress) {
  // Distinct images in first-seen order, with their captions.
  std::map<std::filesystem::path, std::size_t> index;
  std::vector<std::filesystem::path> paths;
  std::vector<std::vector<std::string>> captions;
  for (const auto& pair : pairs) {
    auto [it, inserted] = index.emplace(pair.image, paths.size());
    if (inserted) {
      paths.push_back(pair.image);
      captions.emplace_back();
    }
    captions[it->second].push_back(pair.caption);
  }
  const std::size_t n = paths.size();
  const std::int64_t s = image_size;
  auto all = torch::empty({static_cast<std::int64_t>(n), 3, s, s}, torch::kUInt8);
  std::uint8_t* base = all.data_ptr<std::uint8_t>();
  std::vector<std::string> errors(n);
  std::atomic<std::size_t> next{0}, done{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < n; done.fetch_add(1)) {
      try {
        Image img = flatten_alpha(decode_image_file(paths[i], kModelInputSide));
        if (img.width != image_size || img.height != image_size)
          img = resize_bilinear(img, image_size, image_size);
        std::uint8_t* dst = base + i * 3 * s * s;
        for (std::int64_t p = 0; p < s * s; ++p)
          for (int c = 0; c < 3; ++c) dst[c * s * s + p] = img.rgb[p * 3 + c];
      } catch (const std::exception& e) {
        errors[i] = e.what();
        if (errors[i].empty()) errors[i] = paths[i].string() + ": unreadable";
      }
    }
  };
  std::vector<std::thread> workers;
  for (int t = 0; t < std::max(1, threads); ++t) workers.emplace_back(work);
  TrainProgress p;
  p.images_total = n;
  while (done.load() < n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    p.images_done = done.load();
    if (progress) progress(p);
  }
  for (auto& w : workers) w.join();
  p.images_done = n;
  if (progress) progress(p);

  TrainData data;
  std::vector<std::int64_t> keep;
  for (std::size_t i = 0; i < n; ++i) {
    if (!errors[i].empty()) {
      data.skipped.push_back(errors[i]);
      continue;
    }
    keep.push_back(static_cast<std::int64_t>(i));
    data.usable_pairs += captions[i].size();
    data.refs.push_back(std::move(captions[i]));
  }
  if (keep.empty())
    throw UserError("training: none of the " + std::to_string(n) + " images could be read" +
                    (data.skipped.empty() ? "" : " (first: " + data.skipped.front() + ")"));
  data.images = keep.size() == n ? all : all.index_select(0, torch::tensor(keep, torch::kLong));

  const auto count = static_cast<std::int64_t>(keep.size());
  std::vector<std::int64_t> order(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) order[static_cast<std::size_t>(i)] = i;
  SplitMix rng(seed ^ 0x5eedULL);
  rng.shuffle(order);
  std::int64_t n_val = 0;
  if (val_fraction > 0 && count >= 2)
    n_val = std::clamp<std::int64_t>(std::llround(static_cast<double>(count) * val_fraction), 1,
                                     count - 1);
  data.val_images.assign(order.begin(), order.begin() + n_val);
  data.train_images.assign(order.begin() + n_val, order.end());
  std::sort(data.val_images.begin(), data.val_images.end());
  std::sort(data.train_images.begin(), data.train_images.end());
  return data;
}

void channel_stats(const TrainData& data, std::array<float, 3>& mean, std::array<float, 3>& std) {
  // Chunked: a double copy of 20k images would take gigabytes.
  auto sum = torch::zeros({3}, torch::kDouble), sq = torch::zeros({3}, torch::kDouble);
  const auto& ids = data.train_images;
  for (std::size_t i = 0; i < ids.size(); i += 512) {
    std::vector<std::int64_t> chunk(ids.begin() + i, ids.begin() + std::min(ids.size(), i + 512));
    auto x = data.images.index_select(0, torch::tensor(chunk, torch::kLong))
                 .to(torch::kDouble).div(255.0).transpose(0, 1).reshape({3, -1});
    sum += x.sum(1);
    sq += x.square().sum(1);
  }
  const double count = static_cast<double>(ids.size()) * data.images.size(2) * data.images.size(3);
  for (int c = 0; c < 3; ++c) {
    const double m = sum[c].item<double>() / count;
    const double var = std::max(0.0, sq[c].item<double>() / count - m * m);
    mean[c] = static_cast<float>(m);
    // Flat data sets (e.g. one channel always 0) must not blow up.
    std[c] = static_cast<float>(std::max(std::sqrt(var), 0.05));
  }
}

std::vector<Example> make_examples(const TrainData& data, const std::vector<std::int64_t>& images,
                                   const Vocab& vocab, int max_words) {
  std::vector<Example> out;
  for (std::int64_t image : images)
    for (const auto& caption : data.refs[static_cast<std::size_t>(image)]) {
      Example e{image, vocab.encode(caption)};
      if (static_cast<int>(e.tokens.size()) > max_words + 2) {
        e.tokens.resize(static_cast<std::size_t>(max_words) + 1);
        e.tokens.push_back(Vocab::kEnd);
      }
      out.push_back(std::move(e));
    }
  return out;
}

torch::Tensor pad_tokens(const std::vector<const Example*>& batch) {
  std::size_t len = 0;
  for (const Example* e : batch) len = std::max(len, e->tokens.size());
  auto out = torch::full({static_cast<std::int64_t>(batch.size()), static_cast<std::int64_t>(len)},
                         Vocab::kPad, torch::kLong);
  auto* p = out.data_ptr<std::int64_t>();
  for (std::size_t b = 0; b < batch.size(); ++b)
    std::copy(batch[b]->tokens.begin(), batch[b]->tokens.end(), p + b * len);
  return out;
}

}  // namespace gloss
