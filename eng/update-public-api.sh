#!/usr/bin/env bash
# Adds every symbol reported by RS0016 ("not part of the declared public API") to the project's
# PublicAPI.Unshipped.txt and removes the ones RS0017 reports as gone (changed signatures) from
# PublicAPI.Unshipped.txt and PublicAPI.Shipped.txt.
# Review the diff: the public API is a deliberate choice. Scratch files are private to each call
# (mktemp), so several checkouts can run it at once.
# Usage: eng/update-public-api.sh src/SocialInvestment
set -euo pipefail
project_dir=${1:?project folder}
unshipped="$project_dir/PublicAPI.Unshipped.txt"
shipped="$project_dir/PublicAPI.Shipped.txt"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
dotnet build "$project_dir" -c Release --no-incremental > "$tmp/build.txt" 2>&1 || true
grep -oP "error RS0016: Symbol '\K.*(?=' is not part of the declared public API)" "$tmp/build.txt" | sort -u > "$tmp/rs0016.txt" || true
grep -oP "error RS0017: Symbol '\K.*(?=' is part of the declared API, but is either not public or could not be found)" "$tmp/build.txt" | sort -u > "$tmp/rs0017.txt" || true
if [ -s "$tmp/rs0017.txt" ]; then
  for f in "$unshipped" "$shipped"; do
    grep -vxF -f "$tmp/rs0017.txt" "$f" > "$tmp/kept.txt" || true
    cp "$tmp/kept.txt" "$f"
  done
fi
if [ -s "$tmp/rs0016.txt" ]; then
  { cat "$unshipped"; cat "$tmp/rs0016.txt"; } | grep -v '^#nullable enable$' | sort -u > "$tmp/unshipped.txt"
  { echo '#nullable enable'; cat "$tmp/unshipped.txt"; } > "$unshipped"
fi
echo "$(wc -l < "$tmp/rs0016.txt") symbols added to $unshipped; $(wc -l < "$tmp/rs0017.txt") removed"
