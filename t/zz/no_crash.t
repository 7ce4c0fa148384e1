# Runs last: no httpd child died of a signal while the suite ran (a crash
# on hostile input shows up here even when the request itself was retried).
use strict;
use warnings;
use Test::More;
use Apache::Test ();

my $log = Apache::Test::vars('t_logs') . '/error_log';
open my $fh, '<', $log or die "$log: $!";
# receipts_load.t kills children with SIGKILL on purpose: only faults count
my @crashes = grep { /exit signal (Segmentation|Aborted|Bus|Illegal|Floating)|AH00051/ } <$fh>;
is(scalar(@crashes), 0, 'no child crashed during the suite') or diag(@crashes);

# make test-sanitizers: AddressSanitizer and UBSan write one file a finding
if ($ENV{CG_ASAN_LOG}) {
    my @findings = glob("$ENV{CG_ASAN_LOG}.*");
    is(scalar(@findings), 0, 'no ASan or UBSan finding in httpd') or do {
        for my $f (@findings) {
            open my $in, '<', $f or next;
            diag(<$in>);
        }
    };
}
done_testing();
