# The cmocka unit tests of lib/cg_consent.c (t/unit/test_consent.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_consent');
