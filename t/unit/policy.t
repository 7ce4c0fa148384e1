# The cmocka unit tests of lib/cg_policy.c (t/unit/test_policy.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_policy');
