# The cmocka unit tests of lib/cg_object.c, the objection to the anonymous
# count (t/unit/test_object.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_object');
