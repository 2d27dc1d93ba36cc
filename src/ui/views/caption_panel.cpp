// Under the image: the suggestion (with the diff), the caption box, the keys.
#include <cmath>
#include <cstdio>

#include "core/diff.h"
#include "core/sidecar.h"
#include "ui/theme.h"
#include "ui/views/views.h"

namespace gloss::ui {
namespace {

// The model says this image is unlike anything it was trained on: its
// caption (and its confidence) mean little, so the box was left empty. No
// confidence is shown: a confident guess is the problem this warns about.
void draw_unlike_training_warning(ViewContext& c) {
  const CaptionSession& s = c.session;
  ImGui::TextColored(theme::waiting, "GUESS · this image is unlike the images the model was trained on");
  ImGui::SameLine();
  const std::string key = keys_for(c.keymap, Action::take_suggestion);
  if (s.suggestion_taken())
    ImGui::TextColored(theme::text_dim, "(taken into the box: check every word)");
  else if (!key.empty())
    ImGui::TextColored(theme::text_dim, "(not pre-filled: %s takes it into the box)", key.c_str());
  else
    ImGui::TextColored(theme::text_dim, "(not pre-filled)");
}

void draw_status_line(ViewContext& c) {
  const CaptionSession& s = c.session;
  ImGui::PushFont(c.fonts.small);
  switch (s.suggestion_state()) {
    case SuggestionState::ready: {
      if (s.suggestion_source() == kSidecarSource) {
        ImGui::TextColored(theme::text_dim, s.answer() ? "SIDECAR CAPTION (when answered)"
                                                       : "SIDECAR CAPTION · from the caption file beside the image");
        break;
      }
      if (!s.answer() && s.unlike_training()) {
        draw_unlike_training_warning(c);
        break;
      }
      ImGui::TextColored(theme::text_dim, s.answer() ? "MODEL SUGGESTION (when answered)" : "MODEL SUGGESTION");
      if (!s.answer() && s.confidence() > 0.f) {
        const float conf = s.confidence();
        const ImVec4& colour = conf >= 0.6f ? theme::inserted : conf >= 0.3f ? theme::waiting : theme::deleted;
        ImGui::SameLine();
        ImGui::TextColored(colour, "confidence %.0f%%", conf * 100.f);
      }
      break;
    }
    case SuggestionState::waiting:
      if (!s.suggestion_error().empty())
        ImGui::TextColored(theme::deleted, "no suggestion yet: %s", s.suggestion_error().c_str());
      else
        ImGui::TextColored(theme::waiting, "captioning…  type now if you like: the suggestion only fills an untouched box");
      break;
    case SuggestionState::failed:
      if (!s.suggestion_error().empty())
        ImGui::TextColored(theme::deleted, "no suggestion: %s", s.suggestion_error().c_str());
      else
        ImGui::TextColored(theme::deleted, "no suggestion: the model could not read this image");
      break;
    case SuggestionState::none:
      ImGui::TextColored(theme::text_dim, c.session.model_id().empty() ? "MANUAL CAPTIONING · no model suggestion"
                                                                       : "NO MODEL SUGGESTION FOR THIS ANSWER");
      break;
  }
  ImGui::PopFont();
}

void draw_box(ViewContext& c, Intents& out) {
  const CaptionSession& s = c.session;
  const char* hint = s.suggestion_state() == SuggestionState::waiting ? "captioning… or type your own caption"
                                                                      : "Type the caption";
  draw_caption_box(c, out, "##caption", s.box_generation(), s.box(), hint);
}

void draw_key_hints(ViewContext& c) {
  ImGui::PushFont(c.fonts.small);
  const CaptionSession& session = c.session;
  const bool guess = session.unlike_training() && !session.suggestion_taken() && !session.answer();
  const std::pair<Action, const char*> hints[] = {
      {Action::take_suggestion, "take the guess"}, {Action::accept, "accept"}, {Action::reject, "reject"},
      {Action::skip, "skip"}, {Action::revert, "revert"}, {Action::undo, "undo"}, {Action::gallery, "gallery"},
      {Action::help, "all keys"}};
  bool first = true;
  for (const auto& [action, label] : hints) {
    if (action == Action::take_suggestion && !guess) continue;
    const auto chords = c.keymap.chords_for(action);
    if (chords.empty()) continue;
    if (!first) ImGui::SameLine(0, 18.f * c.scale);
    first = false;
    ImGui::TextUnformatted(format_chord(chords.front()).c_str());
    ImGui::SameLine(0, 5.f * c.scale);
    ImGui::TextColored(theme::text_dim, "%s", label);
  }
  const CaptionSession& s = c.session;
  if (!s.suggestion().empty() && !guess) {
    const int distance = word_edit_distance(s.suggestion(), c.view.box_text);
    char text[64];
    if (distance == 0) std::snprintf(text, sizeof text, "as suggested");
    else std::snprintf(text, sizeof text, "%d word edit%s", distance, distance == 1 ? "" : "s");
    const float w = ImGui::CalcTextSize(text).x;
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - w);
    ImGui::TextColored(distance == 0 ? theme::inserted : theme::accent, "%s", text);
  }
  ImGui::PopFont();
}

struct BoxEdit {
  std::string* text;
  bool* cursor_to_end;
};

int on_box_event(ImGuiInputTextCallbackData* d) {
  auto* box = static_cast<BoxEdit*>(d->UserData);
  if (d->EventFlag == ImGuiInputTextFlags_CallbackResize) {
    box->text->resize(static_cast<std::size_t>(d->BufTextLen));
    d->Buf = box->text->data();
  } else if (d->EventFlag == ImGuiInputTextFlags_CallbackAlways && *box->cursor_to_end) {
    // Focusing from code selects everything; typing would wipe the caption.
    d->CursorPos = d->SelectionStart = d->SelectionEnd = d->BufTextLen;
    *box->cursor_to_end = false;
  }
  return 0;
}

// std::string-backed InputText (libimgui-dev ships no imgui_stdlib.cpp).
bool input_text(const char* id, const char* hint, std::string& text, bool& cursor_to_end) {
  BoxEdit edit{&text, &cursor_to_end};
  return ImGui::InputTextWithHint(id, hint, text.data(), text.capacity() + 1,
                                  ImGuiInputTextFlags_CallbackResize | ImGuiInputTextFlags_CallbackAlways,
                                  on_box_event, &edit);
}

}  // namespace

void draw_caption_box(ViewContext& c, Intents& out, const char* id, std::uint64_t generation,
                      const std::string& fill, const char* hint) {
  ViewState& v = c.view;
  if (v.box_generation != generation) {
    v.box_generation = generation;
    v.box_text = fill;
    v.focus_box = true;
  }
  const bool overlay = v.help || v.jump || v.quitting;
  if (!overlay && (v.focus_box || !ImGui::IsAnyItemActive())) {
    ImGui::SetKeyboardFocusHere();
    v.cursor_to_end = true;
    v.focus_box = false;
  }
  ImGui::PushFont(c.fonts.caption);
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(12.f * c.scale, 10.f * c.scale));
  ImGui::PushStyleColor(ImGuiCol_Border, v.box_active ? theme::accent : theme::border);
  ImGui::SetNextItemWidth(-1);
  ImGui::PushID(static_cast<int>(generation));  // a fresh widget per fill
  if (input_text(id, hint, v.box_text, v.cursor_to_end)) out.edited = v.box_text;
  v.box_active = ImGui::IsItemActive();
  ImGui::PopID();
  ImGui::PopStyleColor();
  ImGui::PopStyleVar();
  ImGui::PopFont();
}

void draw_caption_panel(ViewContext& c, Intents& out, float height) {
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(20.f * c.scale, 14.f * c.scale));
  ImGui::BeginChild("##caption-panel", ImVec2(0, height), false,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_AlwaysUseWindowPadding);
  draw_status_line(c);
  ImGui::PushFont(c.fonts.caption);
  const CaptionSession& s = c.session;
  if (!s.suggestion().empty() && s.unlike_training() && !s.suggestion_taken() && !s.answer()) {
    ImGui::PushStyleColor(ImGuiCol_Text, theme::pending);  // greyed: a guess, not in the box
    ImGui::TextWrapped("%s", s.suggestion().c_str());
    ImGui::PopStyleColor();
  } else if (!s.suggestion().empty()) {
    draw_word_diff(c, s.suggestion(), c.view.box_text);
  } else if (s.suggestion_state() == SuggestionState::waiting) {
    ImGui::TextColored(theme::waiting, "…");
  }
  ImGui::PopFont();
  ImGui::Spacing();
  draw_box(c, out);
  ImGui::Spacing();
  draw_key_hints(c);
  ImGui::EndChild();
  ImGui::PopStyleVar();
}

}  // namespace gloss::ui
