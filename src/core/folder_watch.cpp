#include "core/folder_watch.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cstring>

namespace gloss {
namespace fs = std::filesystem;

namespace {
// Not IN_CREATE of a file: it is still being written; its IN_CLOSE_WRITE follows.
constexpr std::uint32_t kArrivals = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE;
}  // namespace

FolderWatch::FolderWatch(const fs::path& root) {
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) {
    complete_ = false;
    return;
  }
  watch_tree(root);
}

FolderWatch::~FolderWatch() {
  if (fd_ >= 0) ::close(fd_);
}

void FolderWatch::watch(const fs::path& dir) {
  const int wd = inotify_add_watch(fd_, dir.c_str(), kArrivals | IN_ONLYDIR | IN_DONT_FOLLOW);
  if (wd < 0) complete_ = false;
  else folders_[wd] = dir;
}

// Symbolic links to folders are not followed, as in the scan.
void FolderWatch::watch_tree(const fs::path& dir) {
  watch(dir);
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    std::error_code sec;
    if (it->is_directory(sec) && !it->is_symlink(sec)) watch(it->path());
  }
}

bool FolderWatch::wait(std::chrono::milliseconds timeout) {
  if (fd_ < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
  return read_events();
}

bool FolderWatch::read_events() {
  alignas(inotify_event) char buf[16384];
  bool arrived = false;
  for (;;) {
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) return arrived;
    for (ssize_t at = 0; at < n;) {
      inotify_event e;
      std::memcpy(&e, buf + at, sizeof e);
      const char* name = buf + at + sizeof(inotify_event);
      at += static_cast<ssize_t>(sizeof(inotify_event) + e.len);
      if (e.mask & IN_Q_OVERFLOW) arrived = true;  // lost events: rescan anyway
      const auto folder = folders_.find(e.wd);
      if (folder == folders_.end() || e.len == 0) continue;
      const bool is_dir = e.mask & IN_ISDIR;
      if (is_dir && (e.mask & (IN_CREATE | IN_MOVED_TO))) watch_tree(folder->second / name);
      if (is_dir || !(e.mask & IN_CREATE)) arrived = true;
    }
  }
}

}  // namespace gloss
