#!/bin/sh
# Generate configure and Makefile.in (as FRR's own bootstrap.sh).
set -e
cd "$(dirname "$0")"
autoreconf -fi
