# The cmocka unit tests of lib/cg_status.c (t/unit/test_status.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_status');
