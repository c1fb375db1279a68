package io.github.vpcroutefailover.handler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** SnapStart priming reads every realistic canned answer through the real light clients and adapters. */
class ReaderPrimingTest {
    @Test
    void everyCannedAnswerIsReadThroughItsUnmarshallerAndAdapter() {
        ReaderPriming.Report report = ReaderPriming.run();

        // One count per fixture: a fixture the SDK could not read (a wrong element name, a missing wrapper) reads as
        // empty, which would leave its model classes for the restored snapshot's first invocation to load.
        assertThat(report.instances()).as("DescribeInstances.xml -> Ec2Instances").isEqualTo(1);
        assertThat(report.routeTables()).as("DescribeRouteTables.xml -> Ec2RouteTables").isEqualTo(2);
        assertThat(report.routes()).as("routes of both tables").isEqualTo(5);
        assertThat(report.impaired()).as("DescribeInstanceStatus.xml: the instance check is impaired").isEqualTo(1);
        assertThat(report.enis()).as("DescribeNetworkInterfaces.xml").isEqualTo(1);
        assertThat(report.alarms()).as("DescribeAlarms.xml").isEqualTo(1);
        assertThat(report.metricResults()).as("GetMetricData.xml").isEqualTo(1);
        assertThat(report.items()).as("Query.json").isEqualTo(1);
    }
}
