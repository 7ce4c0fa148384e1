# The cmocka unit tests of lib/cg_csp.c (t/unit/test_csp.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_csp');
