#include "ui/texture_cache.h"

#include <algorithm>

namespace gloss::ui {

TextureCache::TextureCache(TextureUploader& uploader, std::size_t max_bytes,
                           std::size_t upload_bytes_per_frame, std::size_t max_entries)
    : uploader_(uploader), max_bytes_(max_bytes), max_entries_(max_entries), frame_budget_(upload_bytes_per_frame) {}

TextureCache::~TextureCache() { clear(); }

void TextureCache::clear() {
  for (auto& [key, entry] : entries_) uploader_.release(entry.texture);
  entries_.clear();
  lru_.clear();
  queue_.clear();
  bytes_ = 0;
}

void TextureCache::offer(std::uint64_t key, std::shared_ptr<const Image> pixels, bool urgent) {
  if (!pixels || pixels->empty() || entries_.count(key)) return;
  std::erase_if(queue_, [&](const auto& q) { return q.first == key; });
  if (urgent) queue_.emplace_front(key, std::move(pixels));
  else queue_.emplace_back(key, std::move(pixels));
}

void TextureCache::upload_pending() {
  std::size_t spent = 0;
  while (!queue_.empty() && (spent == 0 || spent < frame_budget_)) {
    auto [key, pixels] = std::move(queue_.front());
    queue_.pop_front();
    if (entries_.count(key)) continue;
    const Texture texture = uploader_.upload(*pixels);
    spent += texture.bytes();
    lru_.push_front(key);
    entries_[key] = {texture, lru_.begin()};
    bytes_ += texture.bytes();
    evict_to_bound();
  }
}

// The most recently used entry and the pinned one always stay, even if they
// alone are over the bound.
void TextureCache::evict_to_bound() {
  while ((bytes_ > max_bytes_ || lru_.size() > max_entries_) && lru_.size() > 1) {
    auto last = std::prev(lru_.end());
    if (pinned_ && *last == *pinned_) {
      if (lru_.size() == 2) break;  // only the newest and the pinned one are left
      --last;
    }
    const std::uint64_t victim = *last;
    lru_.erase(last);
    const auto it = entries_.find(victim);
    bytes_ -= it->second.texture.bytes();
    uploader_.release(it->second.texture);
    entries_.erase(it);
  }
}

const Texture* TextureCache::find(std::uint64_t key) {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return &it->second.texture;
}

bool TextureCache::has_or_pending(std::uint64_t key) const {
  if (entries_.count(key)) return true;
  return std::any_of(queue_.begin(), queue_.end(), [&](const auto& q) { return q.first == key; });
}

}  // namespace gloss::ui
