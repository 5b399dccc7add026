"""The shipped organisation table: domains, history, and the facts niche keeps by hand."""

from __future__ import annotations

import tomllib
from datetime import datetime
from importlib import resources

from niche.identity.organisations import shipped

DAY = datetime


def test_a_domain_means_the_organisation_of_the_day() -> None:
    orgs = shipped()
    assert len(orgs.domains) > 600  # Stackalytics' reviewed table under niche's own facts
    assert orgs.org_of("a@us.ibm.com", DAY(2014, 1, 1)) == "IBM"  # subdomains too
    assert orgs.org_of("a@hp.com", DAY(2015, 10, 31)) == "HP"
    assert orgs.org_of("a@hp.com", DAY(2015, 11, 1)) is None  # both halves of the split used it
    assert orgs.org_of("a@hpe.com", DAY(2016, 1, 1)) == "HPE"
    assert orgs.org_of("a@hpe.com", DAY(2012, 1, 1)) == "HP"  # before the split it was HP's
    assert orgs.org_of("a@enovance.com", DAY(2013, 5, 1)) == "eNovance"  # absorbed: keeps its history
    assert orgs.org_of("a@enovance.com", DAY(2014, 9, 1)) == "Red Hat"
    assert orgs.org_of("a@openstack.org", DAY(2011, 6, 1)) is None  # the Foundation did not exist yet
    assert orgs.org_of("a@openstack.org", DAY(2013, 6, 1)) == "OpenStack Foundation"
    assert orgs.org_of("a@openstack.org", DAY(2021, 6, 1)) == "OpenInfra Foundation"  # renamed
    assert orgs.org_of("a@cloudscaling.com", DAY(2017, 1, 1)) == "Dell EMC"  # absorbed twice
    assert orgs.org_of("a@nebula.com", DAY(2016, 1, 1)) is None  # closed
    assert orgs.org_of("a@redhat.com") == "Red Hat"  # no date: the name as listed


def test_mail_providers_and_domains_that_name_nobody() -> None:
    orgs = shipped()
    for address in ("a@gmail.com", "a@hotmail.it", "a@yahoo.co.jp", "a@outlook.com.br", "a@sina.com", "a@qq.com"):
        assert orgs.org_of(address, DAY(2020, 1, 1)) is None, address
    assert orgs.org_of("a@live.intel.com", DAY(2020, 1, 1)) == "Intel"  # "live" here is a host, not Live mail
    assert orgs.org_of("a@cs.chula.ac.th") is None  # a country's academic suffix is nobody's domain
    assert orgs.org_of("a@debian.org") is None  # a project's members are not its employees
    assert orgs.org_of("a@some-startup.example") is None


def test_stated_names_are_the_tables_and_a_community_adds_domains() -> None:
    orgs = shipped()
    assert orgs.canonical("hewlett-packard") == "HP" and orgs.canonical("Cisco") == "Cisco Systems"
    assert orgs.canonical("Citrix Systems") == "Citrix" and orgs.canonical("Analytical Engines") == "Analytical Engines"
    mine = orgs.with_domains({"startup.example": "Startup", "redhat.com": "", "corp.example": "hewlett packard"})
    assert mine.org_of("a@startup.example") == "Startup" and mine.org_of("a@redhat.com") is None
    assert mine.org_of("a@corp.example", DAY(2012, 1, 1)) == "HP"
    assert shipped().org_of("a@redhat.com") == "Red Hat"  # the shipped table is untouched


def test_every_fact_names_an_organisation_and_no_history_loops() -> None:
    orgs = shipped()
    own = tomllib.loads(resources.files("niche.identity").joinpath("data", "organisations.toml").read_text())
    for entry in own["organisation"]:
        for field in ("became", "split_from", "parent"):
            if field in entry:
                assert entry[field] in orgs.by_name, (entry["name"], field, entry[field])
        if "ended" in entry or "founded" in entry:
            assert entry.get("note"), f"{entry['name']}: a dated fact says where it comes from"
        for day in (DAY(2000, 1, 1), DAY(2013, 1, 1), DAY(2030, 1, 1)):
            orgs.employer(entry["name"], day)  # terminates
    assert not set(own["personal"]) & set(orgs.domains), "a domain is either a mail provider or an employer's"
