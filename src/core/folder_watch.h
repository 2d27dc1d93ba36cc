// Tells when files arrive in a folder tree (Linux inotify): a file written
// and closed, or moved in, or a folder created or moved in (it is watched
// from then on). Only a hint: the scan that follows lists the whole tree, so
// an event lost in a race costs nothing but a little delay.
#pragma once

#include <chrono>
#include <filesystem>
#include <unordered_map>

namespace gloss {

class FolderWatch {
 public:
  explicit FolderWatch(const std::filesystem::path& root);
  ~FolderWatch();
  FolderWatch(const FolderWatch&) = delete;
  FolderWatch& operator=(const FolderWatch&) = delete;

  // False when inotify is unavailable or some folder could not be watched
  // (the system's limit on watches): then poll by re-listing instead.
  bool complete() const { return complete_; }
  // Waits up to `timeout` for an event; true if something arrived.
  bool wait(std::chrono::milliseconds timeout);

 private:
  void watch_tree(const std::filesystem::path& dir);
  void watch(const std::filesystem::path& dir);
  bool read_events();

  int fd_ = -1;
  bool complete_ = true;
  std::unordered_map<int, std::filesystem::path> folders_;  // watch descriptor -> folder
};

}  // namespace gloss
