#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with real inputs to start from: the example project's
# documents, the import fixtures, and the decision records and changelogs in
# ../shared/corpora when it is present (read from there, never kept in the repository).
set -euo pipefail
cd "$(dirname "$0")"
root=..
corpora=$root/../shared/corpora
for target in frontmatter document markdown adr changelog; do
  mkdir -p "corpus/$target"
done
seed() {
  local target=$1
  shift
  for file in "$@"; do
    [ -f "$file" ] || continue
    name=${file#../}; name=${name#../}; cp "$file" "corpus/$target/$(echo "$name" | tr '/ ' '__')"
  done
}
docs=$(find "$root/content-example/content" "$root/tests/fixtures" -name '*.md')
# shellcheck disable=SC2086
seed frontmatter $docs
# shellcheck disable=SC2086
seed document $docs
# shellcheck disable=SC2086
seed markdown $docs
if [ -d "$corpora" ]; then
  seed adr $(find "$corpora/madr" "$corpora/nygard" -name '*.md')
  seed document $(find "$corpora/madr" "$corpora/nygard" -name '*.md')
  seed changelog $(find "$corpora/keepachangelog" -name '*.md')
fi
seed adr $(find "$root/tests/fixtures/imported" -name '*.md')
seed changelog $(find "$root/tests/fixtures" -iname '*changelog*.md')
for target in frontmatter document markdown adr changelog; do
  echo "$target: $(ls "corpus/$target" | wc -l) seeds"
done
