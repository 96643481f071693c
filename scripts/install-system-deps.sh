#!/usr/bin/env bash
# Install the system packages the program needs (and, with --test, what the tests need).
#
#   runtime: espeak-ng (the speech synthesiser pyttsx3 drives on Linux),
#            libportaudio2 (PortAudio, for sounddevice)
#   tests:   pulseaudio + pulseaudio-utils + libasound2-plugins + alsa-utils
#            (a private sound server with virtual devices for the audio-stack tests),
#            g++ + cmake (to build llama-cpp-python, the local LLM server the tests use),
#            chromium (the browser the HTML-report tests drive through Playwright)
#
# Only missing packages are installed; on a machine that has them this is a no-op.
# On systems without apt-get it prints what to install and carries on.
set -euo pipefail

packages=(espeak-ng libportaudio2)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(pulseaudio pulseaudio-utils libasound2-plugins alsa-utils g++ cmake chromium)
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "note: please install these with your system's package manager: ${missing[*]}" >&2
  echo "      (macOS: brew install espeak-ng portaudio)" >&2
  exit 0
fi

sudo=""
if [[ "$(id -u)" != "0" ]]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "error: need root to install ${missing[*]}; run: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
