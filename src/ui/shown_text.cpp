// Which characters the window is about to show, read from the state (the
// session, the passes, the view state), never from ImGui: the font atlas
// builds their glyphs between frames, before they are drawn (issue 13).
#include "ui/window_shell.h"

namespace gloss::ui {

void WindowShell::cover_shown_text() {
  FontAtlas& atlas = window_.font_atlas();
  atlas.want(session_.dataset_name());
  atlas.want(session_.task().path);  // the header shows the file name; the folder's script comes with it
  atlas.want(session_.suggestion());
  atlas.want(session_.box());
  atlas.want(view_.box_text);
  atlas.want(session_.failure());
  if (const auto& a = session_.answer()) atlas.want(a->caption), atlas.want(a->orig_caption);
  atlas.want(view_.notice);
  atlas.want(view_.jump_problem);
  atlas.want(options_.model_label);
  mode_.cover_shown_text(atlas);
}

// What the worker delivers is what the next images will show: taking it in
// as it arrives batches a page's worth of new characters into one rebuild.
void WindowShell::cover_delivered_text(const AheadResult& r) {
  FontAtlas& atlas = window_.font_atlas();
  atlas.want(r.caption.caption);
  atlas.want(r.error);
  if (r.kind == AheadResult::suggestion)
    if (const auto task = store_.task(r.task)) atlas.want(task->path);
}

}  // namespace gloss::ui
