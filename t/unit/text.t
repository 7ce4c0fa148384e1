# The cmocka unit tests of lib/cg_text.c (t/unit/test_text.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_text');
