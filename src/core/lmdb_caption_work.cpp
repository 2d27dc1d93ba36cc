#include "core/lmdb_caption_work.h"

#include <set>

namespace gloss::lmdb {
namespace {

std::string encode_claim(std::int64_t expires_ms, std::string_view worker) {
  std::string v;
  for (int i = 7; i >= 0; --i) v.push_back(static_cast<char>((static_cast<std::uint64_t>(expires_ms) >> (8 * i)) & 0xff));
  return v.append(worker);
}

std::int64_t claim_expiry(std::string_view v) {
  std::uint64_t e = 0;
  for (std::size_t i = 0; i < 8 && i < v.size(); ++i) e = e << 8 | static_cast<unsigned char>(v[i]);
  return static_cast<std::int64_t>(e);
}

std::string_view claim_worker(std::string_view v) { return v.size() > 8 ? v.substr(8) : std::string_view{}; }

}  // namespace

std::string suggestion_key(std::string_view model, std::uint64_t task) {
  std::string k(model);
  k.push_back('\0');
  for (int i = 7; i >= 0; --i) k.push_back(static_cast<char>((task >> (8 * i)) & 0xff));
  return k;
}

CaptionClaim claim_caption_work(Txn& txn, const CaptionWorkDbs& dbs, std::string_view model,
                                const std::vector<std::uint64_t>& candidates, std::string_view worker,
                                std::int64_t now_ms, std::int64_t lease_ms, std::size_t count) {
  CaptionClaim out;
  std::set<std::uint64_t> seen;
  for (const std::uint64_t task : candidates) {
    if (!seen.insert(task).second) continue;  // a repeat: reported once
    const std::string key = suggestion_key(model, task);
    if (txn.get(dbs.suggestions, key)) {
      out.cached.push_back(task);
      continue;
    }
    if (out.claimed.size() >= count) continue;
    if (const auto held = txn.get(dbs.claims, key);
        held && claim_worker(*held) != worker && claim_expiry(*held) > now_ms)
      continue;
    txn.put(dbs.claims, key, encode_claim(now_ms + lease_ms, worker));
    out.claimed.push_back(task);
  }
  return out;
}

void release_caption_work(Txn& txn, const CaptionWorkDbs& dbs, std::string_view model, std::string_view worker) {
  std::string prefix(model);
  prefix.push_back('\0');
  std::vector<std::string> mine;
  {
    Cursor c(txn, dbs.claims);
    for (bool ok = c.seek(prefix); ok && c.key().substr(0, prefix.size()) == prefix; ok = c.next())
      if (claim_worker(c.value()) == worker) mine.emplace_back(c.key());
  }
  for (const std::string& key : mine) txn.del(dbs.claims, key);
}

}  // namespace gloss::lmdb
