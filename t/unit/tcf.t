# The cmocka unit tests of lib/cg_tcf.c and lib/cg_gpp.c (t/unit/test_tcf.c).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Unit;

Unit::run('test_tcf');
