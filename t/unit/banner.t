# The cmocka unit tests of lib/cg_banner.c (t/unit/test_banner.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_banner');
