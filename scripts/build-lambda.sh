#!/usr/bin/env bash
# Builds the one Lambda binary of imgprep for provided.al2023 on arm64 into
# build/lambda/bootstrap, the directory the CDK app (infra/) uses as its asset.
# The CDK app runs this script itself when the binary is missing, so
# `npx aws-cdk@2 synth` works from a fresh clone.
#
# Flags: lambda.norpc drops the RPC mode that only the go1.x runtime needed;
# -s -w keep the asset small; -trimpath and -buildvcs=false keep its bytes
# (and so the asset hash) independent of the checkout path and the commit, so
# a change elsewhere in the repository does not redeploy the functions.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/build/lambda}"
mkdir -p "$out"
cd "$root"
GOOS=linux GOARCH=arm64 CGO_ENABLED=0 \
	go build -tags lambda.norpc -trimpath -buildvcs=false -ldflags "-s -w" -o "$out/bootstrap.tmp" ./cmd/bootstrap
# Rename last so a failed build never leaves a half-written bootstrap behind.
mv "$out/bootstrap.tmp" "$out/bootstrap"
echo "built $out/bootstrap" >&2
