# The cmocka unit tests of lib/cg_receipt.c (t/unit/test_receipt.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_receipt');
