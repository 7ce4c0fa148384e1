# Runs last: no httpd child died of a signal while the suite ran (a crash
# on hostile input shows up here even when the request itself was retried).
use strict;
use warnings;
use Test::More;
use Apache::Test ();

my $log = Apache::Test::vars('t_logs') . '/error_log';
open my $fh, '<', $log or die "$log: $!";
my @crashes = grep { /exit signal|AH00052|AH00051/ } <$fh>;
is(scalar(@crashes), 0, 'no child crashed during the suite') or diag(@crashes);
done_testing();
