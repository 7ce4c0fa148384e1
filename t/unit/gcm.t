# The cmocka unit tests of lib/cg_gcm.c (t/unit/test_gcm.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_gcm');
