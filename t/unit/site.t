# The cmocka unit tests of lib/cg_site.c (t/unit/test_site.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_site');
