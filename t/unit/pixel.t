# The cmocka unit tests of lib/cg_pixel.c (t/unit/test_pixel.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_pixel');
