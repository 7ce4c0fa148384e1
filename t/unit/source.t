# The cmocka unit tests of lib/cg_source.c, lib/cg_source_json.c and
# lib/cg_source_mirror.c
# (t/unit/test_source.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_source');
