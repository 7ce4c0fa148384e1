# The cmocka unit tests of lib/cg_mirror.c (t/unit/test_mirror.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_mirror');
