// Flow past a circular cylinder: radius 0.5 at the origin in the box [-10, 30] x [-w, w] (w = 10 by default).
//   gmsh -2 cylinder.geo -format msh41 -o cylinder.msh [-setnumber h 0.025] [-setnumber w 20]
// Size h on the cylinder, growing linearly to hfar = 20 h (at most 1) at distance 10 from it, and at
// most hwake = 4 h in the wake box x in [0, 15], |y| < 2.

DefineConstant[ h = {0.05, Min 0.002, Max 0.5, Name "Parameters/Mesh size at the cylinder h"} ];
// Half-width of the box (the sides at y = -w and w): 10 gives a blockage D/(2w) of 5 %.
DefineConstant[ w = {10, Min 2, Max 100, Name "Parameters/Half-width of the box w"} ];
hfar = Min(20 * h, 1.0);
hwake = 4 * h;
R = 0.5;

// Cylinder: four quarter arcs.
Point(1) = {0, 0, 0, h};
Point(2) = {R, 0, 0, h};
Point(3) = {0, R, 0, h};
Point(4) = {-R, 0, 0, h};
Point(5) = {0, -R, 0, h};
Circle(1) = {2, 1, 3};
Circle(2) = {3, 1, 4};
Circle(3) = {4, 1, 5};
Circle(4) = {5, 1, 2};

// Outer box.
Point(11) = {-10, -w, 0, hfar};
Point(12) = {30, -w, 0, hfar};
Point(13) = {30, w, 0, hfar};
Point(14) = {-10, w, 0, hfar};
Line(11) = {11, 12}; // bottom side
Line(12) = {12, 13}; // outflow
Line(13) = {13, 14}; // top side
Line(14) = {14, 11}; // inflow

Curve Loop(1) = {11, 12, 13, 14};
Curve Loop(2) = {1, 2, 3, 4};
Plane Surface(1) = {1, 2};

// Sizes from fields only.
Field[1] = Distance;
Field[1].CurvesList = {1, 2, 3, 4};
Field[1].NumPointsPerCurve = 200;
Field[2] = Threshold;
Field[2].InField = 1;
Field[2].SizeMin = h;
Field[2].SizeMax = hfar;
Field[2].DistMin = 0;
Field[2].DistMax = 10;
Field[3] = Box;
Field[3].VIn = hwake;
Field[3].VOut = hfar;
Field[3].XMin = 0;
Field[3].XMax = 15;
Field[3].YMin = -2;
Field[3].YMax = 2;
Field[4] = Min;
Field[4].FieldsList = {2, 3};
Background Field = 4;
Mesh.MeshSizeFromPoints = 0;
Mesh.MeshSizeFromCurvature = 0;
Mesh.MeshSizeExtendFromBoundary = 0;

Physical Curve("cylinder", 1) = {1, 2, 3, 4};
Physical Curve("inflow", 2) = {14};
Physical Curve("outflow", 3) = {12};
Physical Curve("sides", 4) = {11, 13};
Physical Surface("fluid", 10) = {1};
