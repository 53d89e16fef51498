#!/usr/bin/env bash
# Executes every C# notebook in samples/notebooks and the file-based sample headlessly, and exits
# non-zero if any cell (or the sample) fails. Installs what it needs (idempotent, works as root on a
# fresh Debian machine): Debian's jupyter-nbconvert, python3-nbclient and jupyter-client, the
# dotnet-interactive tool from .config/dotnet-tools.json and its Jupyter kernel spec.
#
# The notebooks run as cloned: their first cell references the libraries' Release build
# (src/*/bin/Release/net10.0, made by `dotnet build -c Release`, which CI has just done) and the
# NuGet packages those depend on, at the versions of Directory.Packages.props (checked here).
#
# Usage: .ci/notebooks.sh            execute copies in artifacts/notebooks/ (the committed notebooks are untouched)
#        .ci/notebooks.sh --update   execute the committed notebooks in place, so they are saved with
#                                    their outputs (tables, charts); commit the result
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
update=false
[ "${1:-}" = "--update" ] && update=true

step() { echo "notebooks: $*"; }

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

for p in SocialInvestment SocialInvestment.Csv SocialInvestment.Reporting SocialInvestment.Orleans; do
  if [ ! -f "src/$p/bin/Release/net10.0/$p.dll" ]; then
    step "building the libraries (Release)"
    dotnet build SocialInvestment.slnx -c Release -nologo -v quiet >/dev/null
    break
  fi
done

# Every `#r "nuget: NAME, VERSION"` in a notebook must name the version the libraries are built with.
status=0
for ref in $(grep -ohE 'nuget: [A-Za-z.]+, [0-9][0-9.]*' samples/notebooks/*.ipynb | sed 's/nuget: //; s/, /=/' | sort -u); do
  name="${ref%%=*}"; version="${ref#*=}"
  if ! grep -q "PackageVersion Include=\"$name\" Version=\"$version\"" Directory.Packages.props; then
    step "FAILED: a notebook references $name $version, but Directory.Packages.props has another version"
    status=1
  fi
done

out="$root/artifacts/notebooks"
rm -rf "$out"
mkdir -p "$out"
if $update; then
  targets=(samples/notebooks/*.ipynb)
else
  # artifacts/notebooks is as deep as samples/notebooks, so the notebooks' relative paths hold.
  cp samples/notebooks/*.ipynb "$out/"
  targets=("$out"/*.ipynb)
fi

for nb in "${targets[@]}"; do
  name="$(basename "$nb")"
  step "executing $name"
  start=$SECONDS
  if jupyter nbconvert --to notebook --execute --inplace \
      --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=.net-csharp "$nb" >"$out/$name.log" 2>&1; then
    step "ok: $name ($((SECONDS - start)) s)"
    # The kernel's start-up script (a display of its own) is noise in a saved notebook ...
    python3 - "$nb" <<'PY'
import json, sys
path = sys.argv[1]
nb = json.load(open(path, encoding="utf-8"))
for cell in nb["cells"]:
    if cell.get("cell_type") == "code":
        # ... and so are its compiler's CS1701 (two versions of one HTML assembly inside the host) and
        # its note on loading a package's extension (which names this machine's NuGet folder).
        cell["outputs"] = [o for o in cell.get("outputs", [])
                           if "dotnet-interactive-this-cell" not in "".join(o.get("data", {}).get("text/html", []))
                           and "warning CS1701" not in "".join(o.get("text", []))
                           and "Loading extensions from" not in "".join(o.get("data", {}).get("text/plain", []) + o.get("text", []))]
json.dump(nb, open(path, "w", encoding="utf-8"), indent=1, ensure_ascii=False)
open(path, "a", encoding="utf-8").write("\n")
PY
  else
    step "FAILED: $name"
    tail -n 40 "$out/$name.log"
    status=1
  fi
done

if ! $update; then
  step "running the file-based sample samples/file-based/appraise.cs"
  if ! dotnet run samples/file-based/appraise.cs > "$out/appraise.cs.log" 2>&1; then
    step "FAILED: samples/file-based/appraise.cs"
    tail -n 40 "$out/appraise.cs.log"
    status=1
  else
    step "ok: samples/file-based/appraise.cs"
  fi
fi

exit $status
