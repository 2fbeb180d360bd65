#!/usr/bin/env bash
# Download the kubernetes-validate source distributions that schemas/ is built from, and check their
# sha256 against the ones recorded when schemas/ was last generated (schemas/PROVENANCE.json).
#
#   tools/fetch_schema_inputs.sh DIR
#   python tools/build_schemas.py $(for f in DIR/*.tar.gz; do printf -- '--sdist %s ' "$f"; done) --out schemas/
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
dir=$1
mkdir -p "$dir"
python=${PYTHON:-python3}

# version  sha256 of the sdist
inputs="
1.11.5 7655e134544a0a98027a7e49533d012494930b9c7d21abef0c4fb7033f0b2193
1.13.0 9bcc057f675b69eb9c449d795bc05529a0ddeead3bdd615283d0bea7e7e39562
1.24.1 705416be22f53a46799137d6a217a4cdb72f2205f9133241fa9bb0a7e84ac8f6
1.37.0 09a26209d3e32d97ac13e6f81597c09316fe6f7473cdd4bd8db44075930de357
"

status=0
while read -r version sha; do
    [ -n "$version" ] || continue
    "$python" -m pip download --quiet --no-deps --no-binary :all: "kubernetes-validate==$version" -d "$dir"
    file=$(ls "$dir"/kubernetes[-_]validate-"$version".tar.gz 2>/dev/null | head -n 1)
    if [ -z "$file" ]; then
        echo "kubernetes-validate $version: no sdist downloaded into $dir" >&2
        status=1
        continue
    fi
    actual=$(sha256sum "$file" | cut -d' ' -f1)
    if [ "$actual" != "$sha" ]; then
        echo "$file: sha256 $actual, expected $sha" >&2
        status=1
    else
        echo "$file: ok"
    fi
done <<< "$inputs"
exit $status
