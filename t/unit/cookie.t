# The cmocka unit tests of lib/cg_cookie.c (t/unit/test_cookie.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_cookie');
