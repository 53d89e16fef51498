#!/usr/bin/env bash
# Adds every symbol reported by RS0016 ("not part of the declared public API") to the project's
# PublicAPI.Unshipped.txt and removes the unshipped ones RS0017 reports as gone (changed signatures).
# Review the diff: the public API is a deliberate choice.
# Usage: eng/update-public-api.sh src/SocialInvestment
set -euo pipefail
project_dir=${1:?project folder}
unshipped="$project_dir/PublicAPI.Unshipped.txt"
dotnet build "$project_dir" --no-incremental > /tmp/public-api-build.txt 2>&1 || true
grep -oP "error RS0016: Symbol '\K.*(?=' is not part of the declared public API)" /tmp/public-api-build.txt | sort -u > /tmp/rs0016.txt || true
grep -oP "error RS0017: Symbol '\K.*(?=' is part of the declared API, but is either not public or could not be found)" /tmp/public-api-build.txt | sort -u > /tmp/rs0017.txt || true
if [ -s /tmp/rs0017.txt ]; then
  grep -vxF -f /tmp/rs0017.txt "$unshipped" > /tmp/unshipped-kept.txt || true
  cp /tmp/unshipped-kept.txt "$unshipped"
fi
if [ -s /tmp/rs0016.txt ]; then
  { cat "$unshipped"; cat /tmp/rs0016.txt; } | grep -v '^#nullable enable$' | sort -u > /tmp/unshipped.txt
  { echo '#nullable enable'; cat /tmp/unshipped.txt; } > "$unshipped"
fi
echo "$(wc -l < /tmp/rs0016.txt) symbols added to and $(wc -l < /tmp/rs0017.txt) removed from $unshipped"
