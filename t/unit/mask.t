# The cmocka unit tests of lib/cg_mask.c (t/unit/test_mask.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_mask');
