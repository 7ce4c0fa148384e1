#!/bin/sh
# Generates ./configure from configure.ac (autoconf and pkg-config's pkg.m4).
set -e
cd "$(dirname "$0")"
autoreconf -fi
