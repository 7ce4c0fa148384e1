package Unit;
# Runs one cmocka unit-test binary of t/unit/ with TAP output, for prove:
# its stdout is passed on and its exit status kept (a signal is a failure).
use strict;
use warnings;
use FindBin;

sub run {
    my ($name) = @_;
    my $bin = "$FindBin::Bin/$name";

    unless (-x $bin) {
        print "1..0 # SKIP unit tests not built (run make unit)\n";
        exit 0;
    }
    $| = 1;
    $ENV{CMOCKA_MESSAGE_OUTPUT} = 'TAP';
    # fork and exec without a shell, so any path works
    my $pid = open(my $out, '-|');
    die "cannot fork: $!\n" unless defined $pid;
    unless ($pid) {
        exec { $bin } $bin or die "cannot run $bin: $!\n";
    }
    print while <$out>;
    close $out;
    if ($? & 127) {
        print "# $bin died of signal ", $? & 127, "\n";
        exit 255;
    }
    exit($? >> 8);
}

1;
