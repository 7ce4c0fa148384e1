# Every log tag (CGLOGNO) names one message, as httpd's APLOGNO numbers do:
# an administrator who greps the error log for a tag finds one cause.
use strict;
use warnings;
use FindBin;
use Test::More;

my $top = "$FindBin::Bin/../..";
my %seen;
for my $file (glob("$top/src/*.c"), glob("$top/lib/*.c"), "$top/mod_consentgate.c") {
    open my $fh, '<', $file or die "$file: $!";
    while (my $line = <$fh>) {
        while ($line =~ /CGLOGNO\((\d+)\)/g) {
            push @{ $seen{$1} }, ($file =~ s{.*/}{}r) . ":$.";
        }
    }
}
ok(keys %seen > 50, 'the tags were found') or diag(scalar keys %seen);
my @twice = map { "CG$_: @{ $seen{$_} }" } grep { @{ $seen{$_} } > 1 } sort keys %seen;
is_deeply(\@twice, [], 'no tag is given to two messages') or diag(join "\n", @twice);
done_testing();
