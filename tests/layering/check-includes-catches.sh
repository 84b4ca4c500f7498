#!/usr/bin/env bash
# The include check is not one that cannot fail: on a copy of the tree it passes, and it fails, naming the
# file and header, once a models/ file includes a gateway header (by name or by app/ path) or a ui/ header
# includes a store header.
set -euo pipefail
source_dir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$source_dir/app" "$source_dir/ui" "$source_dir/models" "$work/"
check="$source_dir/scripts/check-includes.sh"

"$check" "$work" || { echo "FAIL: the clean copy should pass"; exit 1; }

expect_violation() { # file, include line, what the report must name
    local file=$1 include=$2 named=$3
    cp "$work/$file" "$work/$file.orig"
    printf '%s\n' "$include" >>"$work/$file"
    if out=$("$check" "$work"); then
        echo "FAIL: $include in $file passed the check"; exit 1
    fi
    grep -qF "$file" <<<"$out" && grep -qF "$named" <<<"$out" \
        || { echo "FAIL: the report does not name $file and $named: $out"; exit 1; }
    mv "$work/$file.orig" "$work/$file"
}
expect_violation models/apiclient.cpp '#include "gateway.h"' gateway.h
expect_violation models/usagequery.h '#include "app/store/member.h"' app/store/member.h
expect_violation ui/shell/page.h '#  include <recordstore.h>' recordstore.h

"$check" "$work" || { echo "FAIL: the restored copy should pass again"; exit 1; }
echo "PASS: the include check passes a clean tree and catches each planted include"
