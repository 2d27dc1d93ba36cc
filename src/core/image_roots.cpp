#include "core/image_roots.h"

#include <cstdlib>
#include <filesystem>

#include "core/error.h"
#include "core/hash.h"
#include "core/image.h"

namespace gloss {
namespace fs = std::filesystem;

namespace {

// "/a/b/" and "/a/b" are the same folder; "/" stays "/".
std::string folder(const std::string& path) {
  std::string out = fs::path(path).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

bool under(const std::string& path, const std::string& root) {
  if (path.compare(0, root.size(), root) != 0) return false;
  return path.size() == root.size() || root == "/" || path[root.size()] == '/';
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find(separator, start)) != std::string::npos; start = end + 1)
    out.push_back(text.substr(start, end - start));
  out.push_back(text.substr(start));
  return out;
}

}  // namespace

void ImageRoots::add(const std::vector<std::string>& pairs, const std::string& where) {
  for (const std::string& pair : pairs) {
    const std::size_t eq = pair.find('=');
    const std::string bad = where + " '" + pair + "': ";
    if (eq == std::string::npos) throw UserError(bad + "expected OLD=NEW, e.g. /mnt/photos=/Volumes/photos");
    const std::string old_root = pair.substr(0, eq), new_root = pair.substr(eq + 1);
    if (!fs::path(old_root).is_absolute() || !fs::path(new_root).is_absolute())
      throw UserError(bad + "both folders must be absolute paths (starting with /)");
    roots_.emplace_back(folder(old_root), folder(new_root));
  }
}

void ImageRoots::add_from_environment() {
  const char* value = std::getenv("GLOSS_IMAGE_ROOT");
  if (!value || !*value) return;
  std::vector<std::string> pairs;
  for (const std::string& pair : split(value, ';'))
    if (!pair.empty()) pairs.push_back(pair);
  add(pairs, "$GLOSS_IMAGE_ROOT");
}

const std::pair<std::string, std::string>* ImageRoots::match(const std::string& path) const {
  const std::pair<std::string, std::string>* best = nullptr;
  for (const auto& root : roots_)
    if (under(path, root.first) && (!best || root.first.size() > best->first.size())) best = &root;
  return best;
}

std::string ImageRoots::map(const std::string& path) const {
  const auto* root = match(path);
  if (!root) return path;
  const std::string rest = path.substr(root->first.size());
  if (root->first == "/") return (fs::path(root->second) / rest).string();
  return root->second == "/" && !rest.empty() ? rest : root->second + rest;
}

std::string ImageRoots::mapping_for(const std::string& path) const {
  const auto* root = match(path);
  return root ? root->first + "=" + root->second : "";
}

std::string read_task_image(const Task& task, const ImageRoots& roots) {
  const std::string path = roots.map(task.path);
  const std::string mapping = roots.mapping_for(task.path);
  const std::string how = mapping.empty() ? "" : " (the task's " + task.path + ", by --image-root " + mapping + ")";
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw UserError(path + ": file not found" + how +
                    (mapping.empty() ? ". Added on another workstation? --image-root OLD=NEW maps its folder to "
                                       "where it is on this one"
                                     : ""));
  std::string bytes = read_file_bytes(path);
  if (const std::uint64_t found = content_hash(bytes); found != task.hash)
    throw UserError(path + " is not the image this task was made from (" +
                    (mapping.empty() ? "its content changed since it was added"
                                     : "its content changed, or --image-root " + mapping + " points elsewhere") +
                    "): its content hash is " + hash_hex(found) + ", the task's " + hash_hex(task.hash));
  return bytes;
}

}  // namespace gloss
