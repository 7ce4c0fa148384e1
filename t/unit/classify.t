# The cmocka unit tests of lib/cg_classify.c (t/unit/test_classify.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_classify');
