# The cmocka unit tests of lib/cg_lang.c (t/unit/test_lang.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_lang');
