// Where a task's image is on this workstation. A task keeps the absolute
// path it was added from; on a team, another workstation may see the same
// folder elsewhere (/mnt/photos on one, /Volumes/photos on another). Each
// workstation maps the stored prefix OLD to its own NEW (--image-root
// OLD=NEW, repeatable, or $GLOSS_IMAGE_ROOT with pairs separated by ';'),
// and every image read from a task is checked against the task's content
// hash, so a mapping that points at other files (or a file changed since it
// was added) is a clear error on that task, never the wrong picture.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/records.h"

namespace gloss {

class ImageRoots {
 public:
  // Adds "OLD=NEW" pairs (both absolute folders). `where` names their origin
  // for errors ("--image-root", "$GLOSS_IMAGE_ROOT"). Throws UserError
  // naming the bad pair and what is wrong with it.
  void add(const std::vector<std::string>& pairs, const std::string& where);
  // Adds the pairs of $GLOSS_IMAGE_ROOT, when it is set.
  void add_from_environment();

  bool empty() const { return roots_.empty(); }
  // The path with its longest matching OLD (whole folder names: /data/img
  // does not match /data/images) replaced by NEW; as it is when none does.
  std::string map(const std::string& path) const;
  // "OLD=NEW" of the pair map() applies to `path`; empty when none does.
  std::string mapping_for(const std::string& path) const;

 private:
  const std::pair<std::string, std::string>* match(const std::string& path) const;
  std::vector<std::pair<std::string, std::string>> roots_;
};

// The bytes of the task's image, read where it is on this workstation (the
// roots applied), after checking they are the bytes the task was made from
// (their XXH3-64, as the scan computes). Throws UserError naming the path
// read, the mapping used, and the problem: not found, or another image.
std::string read_task_image(const Task& task, const ImageRoots& roots);

}  // namespace gloss
