#!/usr/bin/env bash
# The step the pgdrift GitHub Action (action.yml at the repository root) runs: installs
# pgdrift unless one is given, lints once — GitHub annotations (or another format) in the log,
# the rest in the step summary, SARIF to a file for github/codeql-action/upload-sarif,
# Markdown for the pull request — keeps ONE comment on the pull request up to date (found by
# the `<!-- pgdrift-lint -->` marker its first line holds), and exits with pgdrift's code:
# 0 clean, 1 a finding reached fail-on, 2 error.
#
# Inputs come as INPUT_* variables (action.yml sets them): INPUT_SOURCE, INPUT_MIGRATIONS,
# INPUT_AGAINST, INPUT_BASE, INPUT_FAIL_ON, INPUT_FORMAT, INPUT_COMMENT, INPUT_SARIF_FILE,
# INPUT_CONFIG, INPUT_ARGS, INPUT_DEB. The pull request and the API come from GitHub's own
# variables (GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_API_URL) and GITHUB_TOKEN.
# PGDRIFT_BIN names a pgdrift binary to use instead of installing one.
set -uo pipefail

MARKER='<!-- pgdrift-lint -->'
here=$(cd "$(dirname "$0")" && pwd)
repo_root=$(cd "$here/../.." && pwd)

say() { echo "pgdrift-action: $*" >&2; }
# Workflow commands are read from standard error too, which command substitution leaves alone.
fail() { echo "::error title=pgdrift::$*" >&2; exit 2; }

# pgdrift: PGDRIFT_BIN, else a release .deb (INPUT_DEB: a URL or a path), else the one on PATH,
# else built from this action's own checkout.
install_pgdrift() {
  if [ -n "${PGDRIFT_BIN:-}" ]; then
    [ -x "$PGDRIFT_BIN" ] || fail "PGDRIFT_BIN=$PGDRIFT_BIN is not an executable"
    echo "$PGDRIFT_BIN"
    return
  fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if [ -n "${INPUT_DEB:-}" ]; then
    local deb="$INPUT_DEB"
    if [[ "$deb" == http://* || "$deb" == https://* ]]; then
      deb="${RUNNER_TEMP:-/tmp}/pgdrift.deb"
      curl -fsSL --retry 3 -o "$deb" "$INPUT_DEB" || fail "cannot download $INPUT_DEB"
    fi
    $sudo apt-get install -y -qq "$(realpath "$deb")" >&2 || fail "cannot install $deb"
    echo pgdrift
  elif command -v pgdrift >/dev/null 2>&1; then
    echo pgdrift
  else
    local root="${RUNNER_TEMP:-/tmp}/pgdrift-install"
    say "building pgdrift from $repo_root (give a release .deb with the deb input to skip this)"
    cargo install --locked --quiet --root "$root" --path "$repo_root/crates/pgdrift-cli" >&2 \
      || fail "cargo install of pgdrift failed"
    echo "$root/bin/pgdrift"
  fi
}

# The pull request's number, from the event that started the workflow.
pr_number() {
  [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ] || return 0
  jq -r '.pull_request.number // .issue.number // empty' "$GITHUB_EVENT_PATH" 2>/dev/null
}

api() {
  local method=$1 url=$2 body=${3:-}
  local args=(-sS --fail-with-body -X "$method" -H "Accept: application/vnd.github+json"
    -H "Authorization: Bearer $GITHUB_TOKEN" -H "X-GitHub-Api-Version: 2022-11-28")
  [ -z "$body" ] || args+=(-H "Content-Type: application/json" --data-binary "@$body")
  curl "${args[@]}" "$url"
}

# Updates the comment of the pull request that starts with the marker, or creates it.
upsert_comment() {
  local markdown=$1 pr=$2
  local base="${GITHUB_API_URL:-https://api.github.com}/repos/$GITHUB_REPOSITORY"
  local body="${RUNNER_TEMP:-/tmp}/pgdrift-comment-$$.json"
  jq -Rs '{body: .}' <"$markdown" >"$body" || return 1
  local id="" page=1 list
  while [ -z "$id" ] && [ "$page" -le 100 ]; do
    list=$(api GET "$base/issues/$pr/comments?per_page=100&page=$page") || return 1
    jq -e 'type == "array" and length > 0' <<<"$list" >/dev/null || break
    id=$(jq -r --arg m "$MARKER" \
      '[.[] | select((.body // "") | startswith($m))][0].id // empty' <<<"$list")
    page=$((page + 1))
  done
  if [ -n "$id" ]; then
    api PATCH "$base/issues/comments/$id" "$body" >/dev/null && say "updated comment $id"
  else
    api POST "$base/issues/$pr/comments" "$body" >/dev/null && say "commented on #$pr"
  fi
}

# The lint command line.
lint_args() {
  local -n out=$1
  out=(lint --fail-on "${INPUT_FAIL_ON:-warning}" -f "${INPUT_FORMAT:-github}")
  if [ -n "${INPUT_MIGRATIONS:-}" ]; then
    out+=(--migrations "$INPUT_MIGRATIONS")
    local base="${INPUT_BASE:-}"
    if [ -z "$base" ] && [ -z "${INPUT_AGAINST:-}" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
      base="origin/$GITHUB_BASE_REF"
    fi
    [ -z "$base" ] || out+=(--base "$base")
    [ -z "${INPUT_AGAINST:-}" ] || out+=(--against "$INPUT_AGAINST")
  elif [ -n "${INPUT_SOURCE:-}" ]; then
    out+=("$INPUT_SOURCE")
  else
    fail "give the source input (a database: env:NAME; a migrations directory; SQL files) or migrations"
  fi
  [ -z "${INPUT_CONFIG:-}" ] || out+=(--config "$INPUT_CONFIG")
  [ -z "${INPUT_SARIF_FILE:-}" ] || out+=(--also "sarif=$INPUT_SARIF_FILE")
  # Extra arguments, split as a shell splits words (no expansion).
  if [ -n "${INPUT_ARGS:-}" ]; then
    local extra
    read -r -a extra <<<"$INPUT_ARGS"
    out+=("${extra[@]}")
  fi
}

main() {
  local bin args markdown status pr
  bin=$(install_pgdrift) || exit 2
  lint_args args
  markdown="${RUNNER_TEMP:-/tmp}/pgdrift-lint-$$.md"
  rm -f "$markdown"
  "$bin" "${args[@]}" --also "markdown=$markdown"
  status=$?
  [ -z "${GITHUB_OUTPUT:-}" ] || {
    echo "exit-code=$status"
    echo "sarif-file=${INPUT_SARIF_FILE:-}"
  } >>"$GITHUB_OUTPUT"
  pr=$(pr_number)
  if [ "${INPUT_COMMENT:-true}" = true ] && [ -s "$markdown" ]; then
    if [ -z "$pr" ]; then
      say "not a pull request: no comment"
    elif [ -z "${GITHUB_TOKEN:-}" ]; then
      echo "::warning title=pgdrift::no GITHUB_TOKEN: the pull request comment was not written"
    elif ! upsert_comment "$markdown" "$pr"; then
      echo "::warning title=pgdrift::the pull request comment could not be written (does the token have pull-requests: write?)"
    fi
  fi
  rm -f "$markdown"
  exit "$status"
}

main "$@"
