// Reference reader for simplemon's vCenter tests and benchmark, written with govmomi: it logs in,
// reads hosts, VMs and datastores with the same properties as simplemon (one ContainerView, one
// RetrievePropertiesEx followed through ContinueRetrievePropertiesEx, the counter catalogue, one
// QueryPerf for the hosts' net.* counters), logs out, and prints one JSON document with the figures
// computed by the formulas of the issue, plus its wall time and peak RSS.
//
//	vcref -url https://127.0.0.1:PORT/sdk -user U -pass P [-insecure] [-page-size 1000]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/url"
	"os"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

var hostProps = []string{"name", "runtime.powerState", "runtime.connectionState", "runtime.inMaintenanceMode", "overallStatus",
	"summary.hardware.cpuMhz", "summary.hardware.numCpuCores", "summary.hardware.memorySize", "summary.hardware.vendor", "summary.hardware.model",
	"summary.quickStats.overallCpuUsage", "summary.quickStats.overallMemoryUsage", "summary.quickStats.uptime",
	"config.graphicsInfo", "hardware.pciDevice", "runtime.healthSystemRuntime"}
var vmProps = []string{"name", "config.template", "runtime.powerState", "runtime.host", "runtime.maxCpuUsage",
	"summary.quickStats.overallCpuUsage", "summary.quickStats.guestMemoryUsage", "config.hardware.memoryMB",
	"guest.ipAddress", "guest.net", "guest.disk", "guest.toolsStatus"}
var dsProps = []string{"name", "summary.capacity", "summary.freeSpace", "summary.accessible"}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

func pct(part, whole float64) *float64 {
	if whole <= 0 {
		return nil
	}
	v := round1(part / whole * 100)
	return &v
}

type disk struct {
	Path          string   `json:"path"`
	CapacityBytes int64    `json:"capacityBytes"`
	FreeBytes     int64    `json:"freeBytes"`
	FreePercent   *float64 `json:"freePercent"`
}

func main() {
	u := flag.String("url", "", "SDK URL")
	user := flag.String("user", "", "user")
	pass := flag.String("pass", "", "password")
	insecure := flag.Bool("insecure", true, "skip TLS verification")
	pageSize := flag.Int("page-size", 1000, "maxObjects")
	flag.Parse()
	start := time.Now()
	ctx := context.Background()
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "vcref:", err)
		os.Exit(1)
	}

	pu, err := soap.ParseURL(*u)
	if err != nil {
		fail(err)
	}
	pu.User = nil
	sc := soap.NewClient(pu, *insecure)
	c, err := vim25.NewClient(ctx, sc) // RetrieveServiceContent
	if err != nil {
		fail(err)
	}
	sm := session.NewManager(c)
	if err := sm.Login(ctx, url.UserPassword(*user, *pass)); err != nil {
		fail(err)
	}

	vm := view.NewManager(c)
	cv, err := vm.CreateContainerView(ctx, c.ServiceContent.RootFolder, []string{"HostSystem", "VirtualMachine", "Datastore"}, true)
	if err != nil {
		fail(err)
	}
	spec := types.PropertyFilterSpec{
		ObjectSet: []types.ObjectSpec{
			{Obj: cv.Reference(), Skip: types.NewBool(true), SelectSet: []types.BaseSelectionSpec{&types.TraversalSpec{Type: "ContainerView", Path: "view"}}},
			{Obj: *c.ServiceContent.PerfManager},
		},
		PropSet: []types.PropertySpec{{Type: "HostSystem", PathSet: hostProps}, {Type: "VirtualMachine", PathSet: vmProps}, {Type: "Datastore", PathSet: dsProps}, {Type: "PerformanceManager", PathSet: []string{"perfCounter"}}},
	}
	res, err := methods.RetrievePropertiesEx(ctx, c, &types.RetrievePropertiesEx{This: c.ServiceContent.PropertyCollector, SpecSet: []types.PropertyFilterSpec{spec}, Options: types.RetrieveOptions{MaxObjects: int32(*pageSize)}})
	if err != nil {
		fail(err)
	}
	var content []types.ObjectContent
	pages := 0
	if res.Returnval != nil {
		content = append(content, res.Returnval.Objects...)
		pages = 1
		token := res.Returnval.Token
		for token != "" {
			next, err := methods.ContinueRetrievePropertiesEx(ctx, c, &types.ContinueRetrievePropertiesEx{This: c.ServiceContent.PropertyCollector, Token: token})
			if err != nil {
				fail(err)
			}
			pages++
			content = append(content, next.Returnval.Objects...)
			token = next.Returnval.Token
		}
	}
	byType := map[string][]types.ObjectContent{}
	for _, oc := range content {
		byType[oc.Obj.Type] = append(byType[oc.Obj.Type], oc)
	}
	var hosts []mo.HostSystem
	var vms []mo.VirtualMachine
	var dss []mo.Datastore
	var pms []mo.PerformanceManager
	for _, load := range []struct {
		t   string
		dst interface{}
	}{{"HostSystem", &hosts}, {"VirtualMachine", &vms}, {"Datastore", &dss}, {"PerformanceManager", &pms}} {
		if err := mo.LoadObjectContent(byType[load.t], load.dst); err != nil {
			fail(err)
		}
	}

	// one QueryPerf for the hosts that are up: the net.* aggregates
	counters := map[string]int32{}
	if len(pms) > 0 {
		for _, pc := range pms[0].PerfCounter {
			counters[pc.GroupInfo.GetElementDescription().Key+"."+pc.NameInfo.GetElementDescription().Key+"."+string(pc.RollupType)] = pc.Key
		}
	}
	netNames := []string{"net.received.average", "net.transmitted.average", "net.droppedRx.summation", "net.droppedTx.summation"}
	var ids []types.PerfMetricId
	for _, n := range netNames {
		if id, ok := counters[n]; ok {
			ids = append(ids, types.PerfMetricId{CounterId: id, Instance: ""})
		}
	}
	var qs []types.PerfQuerySpec
	for _, h := range hosts {
		if h.Runtime.PowerState == "poweredOn" && h.Runtime.ConnectionState == "connected" {
			qs = append(qs, types.PerfQuerySpec{Entity: h.Self, MaxSample: 1, MetricId: ids, IntervalId: 20})
		}
	}
	netByHost := map[string]map[string]int64{}
	if len(qs) > 0 && len(ids) > 0 {
		pr, err := methods.QueryPerf(ctx, c, &types.QueryPerf{This: *c.ServiceContent.PerfManager, QuerySpec: qs})
		if err != nil {
			fail(err)
		}
		byID := map[int32]string{}
		for n, id := range counters {
			byID[id] = n
		}
		for _, b := range pr.Returnval {
			em, ok := b.(*types.PerfEntityMetric)
			if !ok {
				continue
			}
			m := map[string]int64{}
			for _, s := range em.Value {
				if is, ok := s.(*types.PerfMetricIntSeries); ok && len(is.Value) > 0 {
					m[byID[is.Id.CounterId]] = is.Value[len(is.Value)-1]
				}
			}
			netByHost[em.Entity.Value] = m
		}
	}

	hostName := map[string]string{}
	outHosts := map[string]interface{}{}
	for _, h := range hosts {
		hostName[h.Self.Value] = h.Name
		hw := h.Summary.Hardware
		capMhz := float64(hw.CpuMhz) * float64(hw.NumCpuCores)
		memMB := float64(hw.MemorySize) / float64(1<<20)
		gpus := []string{}
		for _, g := range h.Config.GraphicsInfo {
			gpus = append(gpus, g.DeviceName)
		}
		if h.Hardware != nil {
			for _, d := range h.Hardware.PciDevice {
				v := uint16(d.VendorId)
				inGI := false
				for _, g := range h.Config.GraphicsInfo {
					if strings.EqualFold(g.PciId, d.Id) {
						inGI = true
					}
				}
				if (uint16(d.ClassId)>>8) == 3 && (v == 0x10de || v == 0x1002 || v == 0x8086) && !inGI {
					gpus = append(gpus, d.DeviceName)
				}
			}
		}
		var net map[string]interface{}
		if m, ok := netByHost[h.Self.Value]; ok {
			get := func(n string) interface{} {
				if v, ok := m[n]; ok {
					return v
				}
				return nil
			}
			net = map[string]interface{}{"rxKBps": get("net.received.average"), "txKBps": get("net.transmitted.average"), "droppedRx": get("net.droppedRx.summation"), "droppedTx": get("net.droppedTx.summation")}
		}
		// hardware health as govmomi reads it: every storage element, and the numeric sensors with a
		// unit (reading × 10^modifier), status keys lower-cased — the raw facts simplemon's mapping keeps
		storage := []map[string]interface{}{}
		sensors := []map[string]interface{}{}
		if hsr := h.Runtime.HealthSystemRuntime; hsr != nil {
			if hsr.HardwareStatusInfo != nil {
				for _, e := range hsr.HardwareStatusInfo.StorageStatusInfo {
					storage = append(storage, map[string]interface{}{"name": e.Name, "status": strings.ToLower(e.Status.GetElementDescription().Key)})
				}
			}
			if hsr.SystemHealthInfo != nil {
				for _, s := range hsr.SystemHealthInfo.NumericSensorInfo {
					if s.BaseUnits == "" {
						continue
					}
					status := "unknown"
					if s.HealthState != nil {
						status = strings.ToLower(s.HealthState.GetElementDescription().Key)
					}
					sensors = append(sensors, map[string]interface{}{"name": s.Name, "status": status, "reading": float64(s.CurrentReading) * math.Pow(10, float64(s.UnitModifier)), "baseUnits": s.BaseUnits})
				}
			}
		}
		outHosts[h.Name] = map[string]interface{}{
			"storage": storage, "sensors": sensors,
			"powerState": h.Runtime.PowerState, "connectionState": h.Runtime.ConnectionState, "inMaintenance": h.Runtime.InMaintenanceMode,
			"overallStatus": h.OverallStatus, "cpuUsageMhz": h.Summary.QuickStats.OverallCpuUsage, "cpuCapacityMhz": capMhz,
			"cpuPercent": pct(float64(h.Summary.QuickStats.OverallCpuUsage), capMhz), "memUsageMB": h.Summary.QuickStats.OverallMemoryUsage,
			"memCapacityMB": math.Round(memMB), "memPercent": pct(float64(h.Summary.QuickStats.OverallMemoryUsage), memMB),
			"uptimeSeconds": h.Summary.QuickStats.Uptime, "vendor": hw.Vendor, "model": hw.Model, "gpus": gpus, "network": net,
		}
	}
	outVMs := map[string]interface{}{}
	for _, v := range vms {
		if v.Config != nil && v.Config.Template {
			continue
		}
		ips := []string{}
		if v.Guest != nil {
			if v.Guest.IpAddress != "" {
				ips = append(ips, v.Guest.IpAddress)
			}
			for _, n := range v.Guest.Net {
				for _, a := range n.IpAddress {
					dup := false
					for _, x := range ips {
						dup = dup || x == a
					}
					if !dup {
						ips = append(ips, a)
					}
				}
			}
		}
		disks := []disk{}
		ip := ""
		tools := ""
		if v.Guest != nil {
			ip = v.Guest.IpAddress
			tools = string(v.Guest.ToolsStatus)
			for _, d := range v.Guest.Disk {
				disks = append(disks, disk{d.DiskPath, d.Capacity, d.FreeSpace, pct(float64(d.FreeSpace), float64(d.Capacity))})
			}
		}
		memMB := 0.0
		if v.Config != nil {
			memMB = float64(v.Config.Hardware.MemoryMB)
		}
		host := ""
		if v.Runtime.Host != nil {
			host = hostName[v.Runtime.Host.Value]
		}
		qs := v.Summary.QuickStats
		outVMs[v.Name] = map[string]interface{}{
			"powerState": v.Runtime.PowerState, "host": host, "ip": ip, "ips": ips,
			"cpuUsageMhz": qs.OverallCpuUsage, "cpuMaxMhz": v.Runtime.MaxCpuUsage, "cpuPercent": pct(float64(qs.OverallCpuUsage), float64(v.Runtime.MaxCpuUsage)),
			"memPercent": pct(float64(qs.GuestMemoryUsage), memMB), "disks": disks, "toolsStatus": tools,
		}
	}
	outDS := map[string]interface{}{}
	for _, d := range dss {
		outDS[d.Name] = map[string]interface{}{"capacityBytes": d.Summary.Capacity, "freeBytes": d.Summary.FreeSpace,
			"freePercent": pct(float64(d.Summary.FreeSpace), float64(d.Summary.Capacity)), "accessible": d.Summary.Accessible}
	}
	_ = cv.Destroy(ctx)
	sm.Logout(ctx)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	names := make([]string, 0, len(outHosts))
	for n := range outHosts {
		names = append(names, n)
	}
	sort.Strings(names)
	out, _ := json.Marshal(map[string]interface{}{
		"hosts": outHosts, "vms": outVMs, "datastores": outDS, "pages": pages,
		"wallMs": time.Since(start).Milliseconds(), "maxRssKB": ru.Maxrss, "version": c.ServiceContent.About.Version,
	})
	os.Stdout.Write(out)
	os.Stdout.Write([]byte("\n"))
}
