# The cmocka unit tests of lib/cg_contrast.c (t/unit/test_contrast.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_contrast');
