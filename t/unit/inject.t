# The cmocka unit tests of lib/cg_inject.c (t/unit/test_inject.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_inject');
