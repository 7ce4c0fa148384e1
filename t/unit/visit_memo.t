# The cmocka unit tests of lib/cg_visit_memo.c (t/unit/test_visit_memo.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_visit_memo');
