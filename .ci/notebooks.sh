#!/usr/bin/env bash
# Executes every C# notebook in samples/notebooks and the file-based sample headlessly, and exits
# non-zero if any cell (or the sample) fails. Installs what it needs (idempotent, works as root on a
# fresh Debian machine): Debian's jupyter-nbconvert, python3-nbclient and jupyter-client, the
# dotnet-interactive tool from .config/dotnet-tools.json and its Jupyter kernel spec.
#
# The notebooks reference the libraries as NuGet packages packed from src/ into a local folder
# (artifacts/notebook-feed) with a version unique to this run, so no stale package is taken from the
# NuGet cache. The executed copies (with outputs) are left in artifacts/notebooks/.
#
# Usage: .ci/notebooks.sh            pack, execute every notebook and the file-based sample
#        .ci/notebooks.sh --prepare  pack and write runnable copies to artifacts/notebooks/ only
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
prepare_only=false
[ "${1:-}" = "--prepare" ] && prepare_only=true

step() { echo "notebooks: $*"; }

if ! $prepare_only; then
  if ! command -v jupyter >/dev/null 2>&1 || ! jupyter nbconvert --version >/dev/null 2>&1 \
      || ! dpkg -s jupyter-nbconvert python3-nbclient jupyter-client >/dev/null 2>&1; then
    step "installing jupyter-nbconvert, python3-nbclient, jupyter-client"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq jupyter-nbconvert python3-nbclient jupyter-client >/dev/null
  fi
  step "restoring dotnet-interactive (local tool manifest)"
  dotnet tool restore >/dev/null
  kernels="$(jupyter kernelspec list 2>/dev/null || true)"
  if ! grep -q '\.net-csharp' <<<"$kernels"; then
    step "installing the .NET Jupyter kernels"
    dotnet tool run dotnet-interactive jupyter install >/dev/null
  fi
fi

version="0.1.0-nb.$(date -u +%Y%m%d%H%M%S).$$"
feed="$root/artifacts/notebook-feed"
out="$root/artifacts/notebooks"
rm -rf "$feed" "$out"
mkdir -p "$feed" "$out"
step "packing src/ as version $version into $feed"
for p in SocialInvestment SocialInvestment.Csv SocialInvestment.Reporting; do
  dotnet pack "src/$p/$p.csproj" -c Release -o "$feed" -p:Version="$version" -p:IncludeSymbols=false -nologo -v quiet >/dev/null
done

for nb in samples/notebooks/*.ipynb; do
  sed -e "s#{{FEED}}#$feed#g" -e "s#{{VERSION}}#$version#g" "$nb" > "$out/$(basename "$nb")"
done
if $prepare_only; then
  step "runnable copies written to $out"
  exit 0
fi

status=0
# Kernels start in the notebook's folder, inside the repository, where the local tool manifest is found.
for nb in "$out"/*.ipynb; do
  name="$(basename "$nb")"
  step "executing $name"
  start=$SECONDS
  if jupyter nbconvert --to notebook --execute --inplace \
      --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=.net-csharp "$nb" >"$out/$name.log" 2>&1; then
    step "ok: $name ($((SECONDS - start)) s)"
  else
    step "FAILED: $name"
    tail -n 40 "$out/$name.log"
    status=1
  fi
done

step "running the file-based sample samples/file-based/appraise.cs"
if ! dotnet run samples/file-based/appraise.cs > "$out/appraise.cs.log" 2>&1; then
  step "FAILED: samples/file-based/appraise.cs"
  tail -n 40 "$out/appraise.cs.log"
  status=1
else
  step "ok: samples/file-based/appraise.cs"
fi

exit $status
