#!/usr/bin/env bash
# Adds every symbol reported by RS0016 ("not part of the declared public API") to the project's
# PublicAPI.Unshipped.txt. Review the diff: the public API is a deliberate choice.
# Usage: eng/update-public-api.sh src/SocialInvestment
set -euo pipefail
project_dir=${1:?project folder}
unshipped="$project_dir/PublicAPI.Unshipped.txt"
dotnet build "$project_dir" --no-incremental 2>&1 \
  | grep -oP "error RS0016: Symbol '\K.*(?=' is not part of the declared public API)" \
  | sort -u > /tmp/rs0016.txt || true
if [ -s /tmp/rs0016.txt ]; then
  { cat "$unshipped"; cat /tmp/rs0016.txt; } | grep -v '^#nullable enable$' | sort -u > /tmp/unshipped.txt
  { echo '#nullable enable'; cat /tmp/unshipped.txt; } > "$unshipped"
fi
echo "$(wc -l < /tmp/rs0016.txt) symbols added to $unshipped"
