#!/bin/bash
. "$(dirname "$0")/../lib/lib.sh"
skip "not written yet"
