//! `Linktype` names and descriptions against libpcap 1.10.3's table
//! (`../shared/reference/linktypes-libpcap-1.10.3.tsv`: DLT value, name, description).

use crate::common::shared_dir;
use ferrocap::Linktype;

#[test]
fn every_libpcap_link_type_has_its_name_and_description() {
    let Some(shared) = shared_dir() else { return };
    let table =
        std::fs::read_to_string(shared.join("reference/linktypes-libpcap-1.10.3.tsv")).unwrap();
    let mut n = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        let dlt: u32 = f[0].parse().unwrap();
        let lt = Linktype::from_dlt(dlt).unwrap_or_else(|| panic!("DLT {dlt} has no LINKTYPE"));
        assert_eq!(lt.to_dlt(), dlt, "{line}");
        assert_eq!(lt.name(), Some(f[1]), "{line}");
        assert_eq!(lt.description(), Some(f[2]), "{line}");
        assert_eq!(Linktype::from_name(f[1]), Ok(lt), "{line}");
        assert_eq!(Linktype::from_name(&f[1].to_lowercase()), Ok(lt), "{line}");
        assert_eq!(f[1].parse::<Linktype>(), Ok(lt), "{line}");
        n += 1;
    }
    assert_eq!(n, 152);
}
